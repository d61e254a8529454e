"""Swedish dates as Samspår writes them everywhere: 2024-03-31 (SS-ISO 8601, as the
seeds and the forms' date fields do), never "31 mars 2024" beside "2024-03-31"."""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
