# Django's Russian formats abbreviate "год" after the year, and give "29 Ноябрь" for a
# day and month; the site's dates go without the one and take the genitive in the other.
DATE_FORMAT = "j E Y"  # 29 ноября 2023 (E: the month in the genitive)
YEAR_MONTH_FORMAT = "F Y"  # Ноябрь 2023 (F: the month in the nominative)
MONTH_DAY_FORMAT = "j E"  # 29 ноября
