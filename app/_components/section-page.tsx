import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { NotBuiltNotice } from './not-built-notice';
import { sections, type SectionId } from './sections';

export function sectionMetadata(id: SectionId): Metadata {
  return { title: sections[id].label, description: sections[id].plan };
}

/** A section page's heading: who it is for, its name, and (given as children) what the page shows. */
export function SectionHeader({
  id,
  leadClassName = 'lead',
  children,
}: {
  id: SectionId;
  leadClassName?: string;
  children?: ReactNode;
}) {
  const section = sections[id];
  return (
    <header className="page-header">
      <p className="eyebrow">For {section.audience}</p>
      <h1>{section.label}</h1>
      {children === undefined ? null : <p className={leadClassName}>{children}</p>}
    </header>
  );
}

/** The shared body of a section that is not built yet: its heading, audience and the not-built notice. */
export function SectionPage({ id }: { id: SectionId }) {
  return (
    <>
      <SectionHeader id={id} />
      <NotBuiltNotice section={sections[id]} />
    </>
  );
}
