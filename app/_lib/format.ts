/** Human formatting shared by the console pages. */

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** "3 min ago", "in 2 h", from epoch seconds or ms or ISO. */
export function relativeTime(at: number | string | Date, now = Date.now()): string {
  const ms = typeof at === "number" ? (at < 1e12 ? at * 1000 : at) : new Date(at).getTime();
  const diff = Math.round((ms - now) / 1000);
  const abs = Math.abs(diff);
  if (abs < 5) return "just now";
  for (const [unit, secs] of UNITS) {
    if (abs >= secs || unit === "second") {
      const n = Math.floor(abs / secs);
      const short = { day: "d", hour: "h", minute: "min", second: "s" }[unit as "day"] ?? unit;
      return diff < 0 ? `${n} ${short} ago` : `in ${n} ${short}`;
    }
  }
  return "";
}

/** A JWT time claim, relative: "expired 3 min ago" / "expires in 2 h". */
export function claimTime(claim: string, value: number, now = Date.now()): string {
  const rel = relativeTime(value, now);
  const past = value * 1000 < now;
  switch (claim) {
    case "exp":
      return past ? `expired ${rel}` : `expires ${rel}`;
    case "nbf":
      return past ? `valid since ${rel}` : `not valid until ${rel}`;
    case "iat":
      return past ? `issued ${rel}` : `issued ${rel} (in the future!)`;
    case "auth_time":
      return `authenticated ${rel}`;
    default:
      return rel;
  }
}

export function clockTime(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleTimeString(undefined, { hour12: false, hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
