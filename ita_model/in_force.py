"""The one place pages and commands learn which agency, year and framework are in force.

An agency set up in the store (``agency_store.py``) is in force once it has a name, a division, a
year and that year's framework; until then the bundled demo is (``data/organisation.yaml`` and
the ``year`` setting). What is in force is the set-up of the agency the store is bound to
(``Store.agency``). The bundled demo stands in only for the deployment's default agency
(``DEFAULT_AGENCY``, exactly as before); any other agency of the registry with no set-up of its
own reports as a whole: an organisation with no divisions and no owners, named from its registry
record (``organisation.whole_agency``), so its rows with no division (a multi-agency sheet's)
count, and every item counts from whoever reports it. ``activate`` makes the choice visible to
every ``load_framework(year)`` and ``load_organisation()`` of the calling thread (context
variables: a browser session's script run, a command), so the checker, the score and the
hand-outs agree with the page that called it, and two sessions of one server showing two agencies
never see each other's organisation, framework or year.
"""

from __future__ import annotations

from dataclasses import dataclass

from ita_model.agency import DEFAULT_AGENCY, Setup
from ita_model.agency_store import AgencyStore
from ita_model.framework import Framework, load_framework, use_agency_frameworks
from ita_model.organisation import (
    Organisation,
    load_organisation,
    use_agency_organisation,
    whole_agency,
)
from ita_model.settings import Settings
from ita_model.store import Store


@dataclass(frozen=True)
class InForce:
    year: int
    frameworks: dict[int, Framework]  # the agency's own (imported, copied), by year
    organisation: Organisation | None  # the agency's own set-up (None: not set up)
    setup: Setup  # what the set-up saved (empty when nobody ran it)
    whole: Organisation | None = None  # not set up, not the default agency: it reports as a whole

    @property
    def in_use(self) -> Organisation | None:
        """The organisation every page and the checker read (None: the demo's file)."""
        return self.organisation or self.whole

    @property
    def agency_ready(self) -> bool:
        return self.organisation is not None

    def settings(self, settings: Settings) -> Settings:
        """The settings with the agency's year in place of the ``year`` setting."""
        if not self.agency_ready or settings.year == self.year:
            return settings
        return settings.model_copy(update={"year": self.year})

    def framework(self) -> Framework:
        return self.frameworks.get(self.year) or load_framework(self.year)


def resolve(store: Store, settings: Settings) -> InForce:
    """Read the set-up from the store (no side effect: see ``activate``)."""
    agencies = AgencyStore(store)
    setup = agencies.setup()
    if not setup.ready or setup.year is None:
        return InForce(settings.year, {}, None, setup, _whole(store))
    return InForce(setup.year, agencies.frameworks(), setup.organisation(), setup)


def _whole(store: Store) -> Organisation | None:
    """An agency of the registry other than the default, not set up: it reports as a whole."""
    if store.agency == DEFAULT_AGENCY:
        return None
    record = store.agency_record(store.agency)
    return whole_agency(record.name if record is not None else store.agency)


def activate(force: InForce) -> InForce:
    """Make ``force`` what ``load_framework`` and ``load_organisation`` give in this process."""
    use_agency_frameworks(force.frameworks)
    use_agency_organisation(force.in_use)
    return force


def deactivate() -> None:
    """Back to the shipped frameworks and the demo's organisation file."""
    use_agency_frameworks({})
    use_agency_organisation(None)


def in_force(store: Store, settings: Settings) -> tuple[InForce, Settings]:
    """Resolve, activate, and the settings to run with: what a command does first."""
    force = activate(resolve(store, settings))
    return force, force.settings(settings)


def organisation(force: InForce, settings: Settings) -> Organisation:
    return force.in_use or load_organisation(settings.organisation)
