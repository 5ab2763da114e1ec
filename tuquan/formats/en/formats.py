# The English interface keeps Vietnamese dates and numbers: the data, the paper forms and
# the people reading them are Vietnamese; only the words change.
from tuquan.formats.vi.formats import *  # noqa: F403
