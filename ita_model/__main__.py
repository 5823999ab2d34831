import sys

from ita_model.cli import main

sys.exit(main())
