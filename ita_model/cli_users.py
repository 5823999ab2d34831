"""``python -m ita_model users add|role|remove|list``: the accounts kept in the store.

An account acts in one agency (``--agency``, default: the administrator's own) with a role; a
supervisor is given a scope (``--scope province:พะเยา``), and ``--scope all`` on an admin makes a
system admin. Refusals are coded errors of the store (Thai, then English), exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from ita_model.auth import Role

ROLES = [r.value for r in Role]


def add_commands(
    sub: argparse._SubParsersAction, store: argparse.ArgumentParser, who: argparse.ArgumentParser
) -> None:
    u = sub.add_parser(
        "users",
        help="the accounts, kept in the store (a users.json of earlier versions is imported once)",
    )
    usub = u.add_subparsers(required=True, metavar="ACTION")
    ua = usub.add_parser(
        "add",
        parents=[store, who],
        help="add an account, or replace its role and password (asks for the password twice)",
        description="Once accounts exist, --user (or ITA_USER, else the login name) must name an "
        "admin account; the first account must be an admin. Only a system admin (an admin "
        "whose scope is all) adds accounts of other agencies or gives a scope.",
    )
    ua.add_argument("name", metavar="NAME", help="a login name, or the e-mail of an OIDC user")
    ua.add_argument("--role", required=True, choices=ROLES)
    _tenancy_arguments(ua)
    how = ua.add_mutually_exclusive_group()
    how.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    how.add_argument(
        "--no-password",
        action="store_true",
        help="no local password: the role of someone who signs in through OpenID Connect",
    )
    ua.set_defaults(run=_users_add)
    ur = usub.add_parser("role", parents=[store, who], help="give an account another role")
    ur.add_argument("name", metavar="NAME")
    ur.add_argument("--role", required=True, choices=ROLES)
    ur.add_argument("--scope", help="a supervisor's new scope (as for users add)")
    ur.set_defaults(run=_users_role)
    ud = usub.add_parser("remove", parents=[store, who], help="remove an account")
    ud.add_argument("name", metavar="NAME")
    ud.set_defaults(run=_users_remove)
    ul = usub.add_parser(
        "list",
        parents=[store, who],
        help="list the accounts (never the hashes)",
        description="--user (or ITA_USER, else the login name) must name an admin account once "
        "accounts exist: a system admin sees every account, an agency's admin its own agency's.",
    )
    ul.add_argument("--json", action="store_true")
    ul.set_defaults(run=_users_list)


def _tenancy_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--agency",
        metavar="CODE",
        help="the agency the account acts in (a code of the registry; default: yours)",
    )
    p.add_argument(
        "--scope",
        help="a supervisor's scope: all, province:NAME, parent:NAME or agencies:CODE,CODE "
        "(several joined by ;); 'all' on an admin makes a system admin",
    )


def _accounts(args: argparse.Namespace):  # -> Accounts
    """The accounts of the store (``--store``), where every dashboard on it signs in."""
    from ita_model.store import open_store

    return open_store(getattr(args, "store", None) or None).accounts


def _user(args: argparse.Namespace) -> str:
    from ita_model.cli import _cli_user

    return _cli_user(args)


def _users_add(args: argparse.Namespace) -> int:
    import getpass

    from ita_model.errors import AccountError
    from ita_model.i18n import both, t

    password: str | None
    if args.no_password:
        password = None
    elif args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(both("users.cli_password") + ": ")
        if getpass.getpass(both("users.cli_again") + ": ") != password:
            raise AccountError("passwords_differ")
    else:
        raise AccountError("password_missing")
    added = _accounts(args).add(
        args.name, args.role, password, user=_user(args), agency=args.agency, scope=args.scope
    )
    kind = "users.kind_password" if added["password"] else "users.kind_oidc"
    print(
        both(
            "users.cli_added",
            name=added["name"],
            role=added["role"],
            kind_th=t(kind, "th"),
            kind_en=t(kind, "en"),
        )
        + _where(added)
    )
    return 0


def _where(account: dict) -> str:
    """`` · agency A · scope province:พะเยา`` when the account is not the default agency's
    plain account (a one-agency deployment's lines read as before)."""
    from ita_model.agency import DEFAULT_AGENCY
    from ita_model.i18n import both

    out = ""
    if account.get("agency", DEFAULT_AGENCY) != DEFAULT_AGENCY:
        out += " · " + both("tenancy.cli_agency", agency=account["agency"])
    if account.get("scope"):
        out += " · " + both("tenancy.cli_scope", scope=account["scope"])
    return out


def _users_role(args: argparse.Namespace) -> int:
    from ita_model.i18n import both

    changed = _accounts(args).set_role(args.name, args.role, user=_user(args), scope=args.scope)
    print(both("users.cli_role", name=changed["name"], role=changed["role"]) + _where(changed))
    return 0


def _users_remove(args: argparse.Namespace) -> int:
    from ita_model.i18n import both

    gone = _accounts(args).remove(args.name, user=_user(args))
    print(both("users.removed", name=gone["name"]))
    return 0


def _users_list(args: argparse.Namespace) -> int:
    from ita_model.i18n import both

    users = _accounts(args).listed_for(_user(args))
    if args.json:
        print(json.dumps({"users": users}, ensure_ascii=False, indent=1, default=str))
        return 0
    for u in users:
        kind = "password" if u["password"] else "oidc"
        added = f"{u['added_at'].astimezone():%Y-%m-%d %H:%M} {u['added_by']}"
        where = f"{u['agency']} {u['scope'] or '-'}"
        print(f"{u['name']:<30} {u['role']:<10} {kind:<8} {added}  {where}")
    if not users:
        print(both("users.none"))
    return 0
