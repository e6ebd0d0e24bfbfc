"""`python -m govkg.cli`: the same as the `govkg` console script."""

import sys

from govkg.cli import main

sys.exit(main())
