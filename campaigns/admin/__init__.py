"""The campaigns' staff pages: campaigns and their actions; supporters and their data;
petition signatures with the review of held ones."""

from . import campaigns, signatures, supporters, updates  # noqa: F401
