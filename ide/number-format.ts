// Counts as people read them: the core's one rule, re-exported for the views.

export { formatBigCount, formatCount } from '../core/number-format';
