import sys

from timetrack.cli import main

sys.exit(main())
