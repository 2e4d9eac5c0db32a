import sys

from kpicore.cli import main

sys.exit(main())
