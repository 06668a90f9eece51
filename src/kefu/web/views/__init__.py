"""What the pages and the JSON API show: read once, cut to what the user may see.

One module per page family (``appraisal``: periods, results and the overview;
``sheets``: team tables and agent sheets; ``operations``: imports, scorecards
and targets). Routes and API endpoints both call these, so a page and its API
answer always agree.
"""
