/**
 * Whether a line is an instance of a template: the template's constant parts appear in the line in
 * order (the line may carry a header the template does not). Linear in the line's length, so it
 * is safe on any input, unlike a regex built from the template.
 */
export function matchesTemplate(template: string, line: string): boolean {
  const parts = template.split('<*>').map((p) => p.trim()).filter((p) => p !== '');
  let at = 0;
  for (const part of parts) {
    // Whitespace inside a constant part may be any run of whitespace in the line.
    for (const word of part.split(/\s+/)) {
      const i = line.indexOf(word, at);
      if (i < 0) return false;
      at = i + word.length;
    }
  }
  return true;
}

/** The first sample line that is an instance of the template, if any. */
export function sampleFor(template: string, samples: readonly { readonly line: string }[]): string | undefined {
  return samples.find((s) => matchesTemplate(template, s.line))?.line;
}
