// What each section of the Settings form gets from the tab: the draft, its problems by field, and how to change it.
import type { DraftProblems, SettingsDraft } from '../../model/settings-form';

export interface SectionProps {
  /** The tab's id prefix for its controls. */
  id: string;
  draft: SettingsDraft;
  problems: DraftProblems;
  edit(change: Partial<SettingsDraft>): void;
  locked: boolean;
}

/** aria-invalid and aria-describedby for a control inside a `Field` with id `fieldId`. */
export const invalidProps = (fieldId: string, problem: string | undefined) => ({
  'aria-invalid': problem ? true : undefined,
  'aria-describedby': problem ? `${fieldId}-error` : undefined,
});
