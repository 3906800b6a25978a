# The British order the site has always used, rather than Django's "Nov. 29, 2023".
DATE_FORMAT = "j F Y"  # 29 November 2023
MONTH_DAY_FORMAT = "j F"  # 29 November
