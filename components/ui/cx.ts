/** Joins the class names that are set. */

export const cx = (...c: Array<string | false | null | undefined>) => c.filter(Boolean).join(" ");
