# Django has no Kazakh formats; these follow Kazakhstan's usage. Cyrillic letters are not
# format characters, so "жылғы" needs no escaping. E is the month as written inside a date,
# in lower case (config/formats/locale/kk); F is the capitalised name used on its own.
DATE_FORMAT = "Y жылғы j E"  # 2023 жылғы 29 қараша
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y жылғы j E, H:i"
YEAR_MONTH_FORMAT = "Y жылғы E"  # 2023 жылғы қараша
MONTH_DAY_FORMAT = "j E"  # 29 қараша
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # '29.11.2023'
    "%d.%m.%y",  # '29.11.23'
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",  # '29.11.2023 14:30:59'
    "%d.%m.%Y %H:%M:%S.%f",  # '29.11.2023 14:30:59.000200'
    "%d.%m.%Y %H:%M",  # '29.11.2023 14:30'
    "%d.%m.%y %H:%M:%S",  # '29.11.23 14:30:59'
    "%d.%m.%y %H:%M:%S.%f",  # '29.11.23 14:30:59.000200'
    "%d.%m.%y %H:%M",  # '29.11.23 14:30'
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
