"""The Apache Beam pipeline behind ``nianbao run``: options, transforms, outputs, launcher and command.

Modules follow the data path: :mod:`.options` (what travels with the job),
:mod:`.transforms` (match and read, parse, write outcomes), :mod:`.outputs`
(staged shards, JSON Lines, the flat table, the summary), :mod:`.run` (input
expansion, runner choice, merge) and :mod:`.cli` (the click command). See
``docs/pipeline.md``. Nothing outside this package imports ``apache_beam``.
"""
