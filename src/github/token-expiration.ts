// Parses GitHub-Authentication-Token-Expiration. GitHub documents "2026-12-20 10:00:00 UTC", but
// responses have also carried a numeric offset ("2023-04-26 20:23:26 +0200"), so both are read, as
// are ISO 8601 forms. Anything else is "unknown", never a guess: a wrong expiry would make git drop
// a working token early (password_expiry_utc) or keep a dead one.

const EXPIRATION_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)? ?(Z|UTC|GMT|[+-]\d{2}:?\d{2})$/i;

/** Epoch milliseconds of the expiry in `header`, or undefined when it cannot be read. */
export function parseTokenExpiration(header: string): number | undefined {
  const match = EXPIRATION_PATTERN.exec(header.trim());
  if (!match) return undefined;
  const [, year = "", month = "", day = "", hour = "", minute = "", second = "0", fraction = "", zone = ""] =
    match;
  const [y, mo, d] = [Number(year), Number(month), Number(day)];
  const [h, mi, s] = [Number(hour), Number(minute), Number(second)];
  const offsetMinutes = parseOffsetMinutes(zone);
  if (offsetMinutes === undefined || h > 23 || mi > 59 || s > 59) return undefined;
  const localMs = Date.UTC(y, mo - 1, d, h, mi, s, Number(fraction.padEnd(3, "0").slice(0, 3)));
  // Date.UTC rolls 2026-02-30 over into March; a date that does not round-trip is garbage.
  const check = new Date(localMs);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    return undefined;
  }
  return localMs - offsetMinutes * 60_000;
}

function parseOffsetMinutes(zone: string): number | undefined {
  if (/^(?:Z|UTC|GMT)$/i.test(zone)) return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!match) return undefined;
  const [, sign, hours = "", minutes = ""] = match;
  if (Number(hours) > 14 || Number(minutes) > 59) return undefined;
  return (sign === "-" ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
}
