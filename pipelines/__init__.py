"""The Apache Beam pipeline behind ``nianbao run``: options, transforms, staged outcomes, run files, launcher.

Modules follow the data path: :mod:`.options` (what travels with the job),
:mod:`.transforms` (match and read, parse, stage outcomes), :mod:`.staging`
(the shards workers write, with each record's entry in the page, :mod:`.page_entry`),
:mod:`.run_files` and :mod:`.table_files` (the files of a run: JSON Lines, summary, the flat table),
:mod:`.storage` (local or remote files written whole), :mod:`.run` (input expansion, runner choice,
merge) and :mod:`.cli` (the click command), registered with :mod:`.commands`
through the ``register_commands`` hook. See ``docs/pipeline.md``. Nothing
outside this package imports ``apache_beam``.
"""
