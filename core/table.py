"""Former name of :mod:`nianbao.flat_table`, kept so plugins written against it still import.

``nianbao.table`` was easily confused with :class:`nianbao.document.Table` and the
table extractors of ``nianbao.plugins.tables``; new code imports :mod:`nianbao.flat_table`.
"""

from .flat_table import COLUMNS, Column, arrow_schema, flat_row, header, rows_to_batch, table_columns

__all__ = ["COLUMNS", "Column", "arrow_schema", "flat_row", "header", "rows_to_batch", "table_columns"]
