// Small behaviours attached by data attributes; no inline scripts (the CSP forbids them).
"use strict";
