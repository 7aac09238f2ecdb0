export interface Span {
    readonly start: number;
    readonly end: number;
}
export declare function span(start: number, end: number): Span;
/** The smallest span covering both arguments. */
export declare function cover(a: Span, b: Span): Span;
export declare function contains(outer: Span, offset: number): boolean;
/** Line and column (both 0-based) of an offset; used by the CLI and tests, never by the server. */
export declare class LineIndex {
    readonly text: string;
    private readonly starts;
    constructor(text: string);
    position(offset: number): {
        line: number;
        character: number;
    };
    offset(line: number, character: number): number;
    get lineCount(): number;
}
