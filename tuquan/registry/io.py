"""The registry's workbook, kept under this name for its callers (views, commands, the
journal's sheets, tests): the code is in the package `tuquan.registry.workbook`."""

from tuquan.registry.workbook import *  # noqa: F403
from tuquan.registry.workbook import __all__  # noqa: F401
