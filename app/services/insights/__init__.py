"""The insight workspace's use cases: analysis runs, the inbox and its search, theme overviews
and details, corrections, alerts, the labelling queue, and closing the loop (你说我改).

Modules: ``feedback`` (writing member text into feedback items, the one way in for every
source), ``feedback_links`` (the path back from an item to its original), ``engine`` (the NLP
wiring), ``analysis`` (runs and the visible run), ``incremental`` (new items), ``item_rows``,
``hooks``, ``search``, ``segments``, ``inbox``, ``overview``, ``detail``, ``corrections``,
``labelling``, ``alerts``, ``actions``, ``wordclouds``, ``tags``, ``periods`` and ``reading``
(the read API for reports).
"""
