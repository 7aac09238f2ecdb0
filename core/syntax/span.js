"use strict";
// Source spans: half-open UTF-16 offset ranges, the only position type inside the core.
Object.defineProperty(exports, "__esModule", { value: true });
exports.LineIndex = void 0;
exports.span = span;
exports.cover = cover;
exports.contains = contains;
function span(start, end) {
    return { start, end };
}
/** The smallest span covering both arguments. */
function cover(a, b) {
    return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
function contains(outer, offset) {
    return offset >= outer.start && offset <= outer.end;
}
/** Line and column (both 0-based) of an offset; used by the CLI and tests, never by the server. */
class LineIndex {
    text;
    starts = [0];
    constructor(text) {
        this.text = text;
        for (let i = 0; i < text.length; i++) {
            if (text.charCodeAt(i) === 10)
                this.starts.push(i + 1);
        }
    }
    position(offset) {
        const clamped = Math.max(0, Math.min(offset, this.text.length));
        let lo = 0;
        let hi = this.starts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (this.starts[mid] <= clamped)
                lo = mid;
            else
                hi = mid - 1;
        }
        return { line: lo, character: clamped - this.starts[lo] };
    }
    offset(line, character) {
        if (line < 0)
            return 0;
        if (line >= this.starts.length)
            return this.text.length;
        const lineEnd = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
        return Math.min(this.starts[line] + Math.max(0, character), lineEnd);
    }
    get lineCount() {
        return this.starts.length;
    }
}
exports.LineIndex = LineIndex;
//# sourceMappingURL=span.js.map