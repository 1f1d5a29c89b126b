"""Columns that one option names several of, and times read from several columns.

An option may name several columns joined by commas (``--text-col title,body``, ``--time-col Date,Time``,
``--id-col store,item``: ``named_columns``). A time kept in several columns is read as one (``with_joined_time``):
a date beside a time of day (UCI's household power file), a date beside whole hours (its bike sharing ``dteday,
hr``), or calendar fields (``year, month, day, hour``: the Beijing PM2.5 file).

>>> df = pd.DataFrame({"year": [2010, 2010], "month": [1, 1], "day": [1, 1], "hour": [22, 23], "pm": [1.5, 2.5]})
>>> with_joined_time(df, "year,month,day,hour", drop_parts=True)["year,month,day,hour"].tolist()
['2010-01-01 22:00:00', '2010-01-01 23:00:00']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

CALENDAR_PARTS = ("year", "month", "day", "hour", "minute", "second")   # pandas.to_datetime's names for a frame


def named_columns(value: str, columns) -> list[str]:
    """The columns an option's ``value`` names among ``columns``: itself when it is one of them (a name that holds a
    comma) or holds no comma, else its comma-separated names, stripped, in the order given (missing ones included,
    for the caller to refuse): ``--text-col title,body``, ``--time-col Date,Time``.

    >>> named_columns("title, body", ["label", "title", "body"]), named_columns("a,b", ["a,b", "a", "b"])
    (['title', 'body'], ['a,b'])
    """
    if value in columns or "," not in value:
        return [value]
    return [c.strip() for c in value.split(",") if c.strip()]


def time_parts(time_col: str | None, columns) -> list[str]:
    """The columns that time column ``time_col`` is read from: the columns it joins by commas when they are all in
    ``columns`` (``"Date,Time"``, ``"year,month,day,hour"``; ``named_columns``), else ``[time_col]``; ``[]`` for
    None.

    >>> time_parts("Date,Time", ["Date", "Time", "v"]), time_parts("Month", ["Month", "v"]), time_parts(None, [])
    (['Date', 'Time'], ['Month'], [])
    """
    if not time_col:
        return []
    parts = named_columns(str(time_col), list(map(str, columns)))
    return parts if all(p in set(map(str, columns)) for p in parts) else [time_col]


def is_calendar(parts) -> bool:
    """Whether columns named ``parts`` are a calendar's fields (``CALENDAR_PARTS``, any case, each once) from the year
    and month down, without a gap: year, month, and optionally day, hour, minute, second in that order.

    >>> is_calendar(["year", "month", "day", "hour"]), is_calendar(["Year", "Month"]), is_calendar(["year", "hour"])
    (True, True, False)
    """
    names = [str(p).strip().lower() for p in parts]
    return len(names) >= 2 and names == list(CALENDAR_PARTS[:len(names)])


def calendar_times(frame: pd.DataFrame) -> pd.Series:
    """The times of a frame of calendar columns (``is_calendar``: year, month, [day, hour, ...]; a missing day is the
    first), as text pandas reads back (``2010-01-01 05:00:00``, or ``2010-01-01`` without an hour); NaN where a row's
    fields are no time (pandas' ``to_datetime`` of a frame).

    >>> calendar_times(pd.DataFrame({"year": [2010, 2010], "month": [1, 1], "day": [1, 1], "hour": [0, 1]})).tolist()
    ['2010-01-01 00:00:00', '2010-01-01 01:00:00']
    >>> calendar_times(pd.DataFrame({"Year": [1990, 1990], "Month": [1, 13]})).tolist()
    ['1990-01-01', nan]
    """
    fields = frame.rename(columns=lambda c: str(c).strip().lower()).apply(pd.to_numeric, errors="coerce")
    if "day" not in fields:
        fields = fields.assign(day=1)
    times = pd.to_datetime(fields[[p for p in CALENDAR_PARTS if p in fields]], errors="coerce")
    text = times.dt.strftime("%Y-%m-%d %H:%M:%S" if "hour" in fields else "%Y-%m-%d")
    return text.where(times.notna(), np.nan)


HOUR_NAMES = ("hour", "hr", "hours")   # a column of whole hours 0-23 beside a date (UCI's bike sharing: dteday, hr)


def clock_of_hours(column: pd.Series) -> pd.Series:
    """A column named as hours (``HOUR_NAMES``, any case) of whole numbers 0-23 as times of day (``"07:00"``), which
    join a date column as a time of day does; any other column as it is.

    >>> clock_of_hours(pd.Series([0, 7, 23], name="hr")).tolist(), clock_of_hours(pd.Series([7], name="x")).tolist()
    (['00:00', '07:00', '23:00'], [7])
    """
    if str(column.name).strip().lower() not in HOUR_NAMES:
        return column
    hours = pd.to_numeric(column, errors="coerce")
    if hours.isna().any() or not hours.between(0, 23).all() or not (hours == hours.round()).all():
        return column
    return hours.astype(int).map("{:02d}:00".format).rename(column.name)


def with_joined_time(df: pd.DataFrame, time_col: str | None, drop_parts: bool = False) -> pd.DataFrame:
    """``df`` with the time column ``time_col`` made of the columns it names joined by commas (``time_parts``), when it
    names several and is not a column itself; without those columns if ``drop_parts``; else ``df`` as it is. Calendar
    fields (``is_calendar``: ``year,month,day,hour``, as in the Beijing PM2.5 file) become times as pandas'
    ``to_datetime`` of a frame makes them; other columns are joined by a space (``Date,Time``, pandas'
    ``parse_dates=[["Date", "Time"]]``; UCI's household power file), a column of whole hours as times of day
    (``clock_of_hours``: UCI's bike sharing ``dteday,hr``).

    >>> df = pd.DataFrame({"Date": ["16/12/2006", "16/12/2006"], "Time": ["17:24:00", "17:25:00"], "v": [1, 2]})
    >>> with_joined_time(df, "Date,Time")["Date,Time"].tolist()
    ['16/12/2006 17:24:00', '16/12/2006 17:25:00']
    >>> df = pd.DataFrame({"year": [2010, 2010], "month": [1, 2], "v": [1, 2]})
    >>> list(with_joined_time(df, "year,month", drop_parts=True).to_dict("list").items())
    [('v', [1, 2]), ('year,month', ['2010-01-01', '2010-02-01'])]
    """
    parts = time_parts(time_col, df.columns)
    if parts == [time_col] or not parts:
        return df
    joined = (calendar_times(df[parts]) if is_calendar(parts) else
              pd.concat([clock_of_hours(df[p]) for p in parts], axis=1).astype(str).agg(" ".join, axis=1))
    joined = df.assign(**{time_col: joined})
    return joined.drop(columns=parts) if drop_parts else joined
