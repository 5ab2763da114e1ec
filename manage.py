#!/usr/bin/env python
"""Developer entry point in a checkout: development settings unless told otherwise.
Deployments use the `tuquan` console script, whose defaults are production ones."""

import os

from tuquan.cli import main

if __name__ == "__main__":
    os.environ.setdefault("DEBUG", "1")
    main()
