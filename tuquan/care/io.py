"""The care app's workbooks, kept under this name for its callers (views, API, tests): the
code is in the package `tuquan.care.workbook`."""

from tuquan.care.workbook import *  # noqa: F403
from tuquan.care.workbook import __all__  # noqa: F401
