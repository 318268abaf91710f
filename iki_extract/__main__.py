"""``python -m iki_extract`` is the same as the ``iki-extract`` command."""

import sys

from .cli import main

sys.exit(main())
