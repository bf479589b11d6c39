"""The insight workspace's use cases: analysis runs, the inbox and its search, theme overviews
and details, corrections, alerts, the labelling queue, and closing the loop (你说我改).

Modules: ``engine`` (the NLP wiring), ``analysis`` (runs and incremental analysis),
``search``, ``segments``, ``inbox``, ``overview``, ``detail``, ``corrections``,
``labelling``, ``alerts``, ``actions``, ``wordclouds``, ``tags``, ``hooks`` and ``reading``
(the read API for reports).
"""
