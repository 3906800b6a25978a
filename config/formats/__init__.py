"""Date formats by language (FORMAT_MODULE_PATH), read before Django's own.

Templates name a format (`|date:"DATE_FORMAT"`, `"YEAR_MONTH_FORMAT"`) rather than spell a
pattern, because no one pattern is right in all three languages: Russian puts the month of
a full date in the genitive ("29 ноября 2023", format character E) and Kazakh puts the
year first ("2023 жылғы 29 қараша"). Only what differs from Django's module is set here.
"""
