import type { Section } from './sections';

/**
 * The placeholder every unbuilt section shows instead of data: no sample rows, so nobody mistakes a mock-up
 * for the county's real state. Tests find it by its stable test id.
 */
export function NotBuiltNotice({ section }: { section: Section }) {
  return (
    <section className="notice" data-testid="not-built" aria-labelledby="not-built-title">
      <p className="notice-label" id="not-built-title">
        Not built yet
      </p>
      <p>{section.plan}</p>
      <p className="notice-foot">This page shows no data until that work lands.</p>
    </section>
  );
}
