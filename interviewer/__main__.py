"""`python -m interviewer` is the same as the `interviewer` command."""

import sys

from interviewer.cli import main

sys.exit(main())
