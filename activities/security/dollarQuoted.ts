/**
 * A function body as a dollar-quoted string whose tag the body does not contain: role names may hold `$`
 * (`app$dbarch$x` is a valid identifier), and a fixed `$dbarch$` tag inside the body would end the string early.
 */
export function dollarQuoted(body: string): string {
  let tag = '$dbarch$';
  for (let n = 1; body.includes(tag); n++) tag = `$dbarch${n}$`;
  return `${tag}${body}${tag}`;
}
