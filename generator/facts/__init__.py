"""Facts: what the input means, computed once and read by every output.

``derive`` gives each entry its status, start, end and duration and the site
its overall status; ``communication`` an entry's accountability figures;
``accountability`` the site's. Pure functions: no clock but an explicit "now",
no text for readers (that is the outputs' job).
"""
