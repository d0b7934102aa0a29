// Moving through a page with the Tab key alone, as a keyboard user does, checking on every stop
// that the focus can be seen.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface Focus {
  id: string;
  text: string;
  /** The focused control's label, if it has one. */
  label: string;
  outline: string;
}

export const focused = (page: Page): Promise<Focus> =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    const style = element ? getComputedStyle(element) : null;
    const labels = (element as HTMLInputElement | null)?.labels;
    return {
      id: element?.id ?? '',
      text: element?.textContent ?? '',
      label: labels?.[0]?.textContent?.trim() ?? '',
      outline: style?.outlineStyle ?? 'none',
    };
  });

/** Tabs forward until `match` holds, checking the focus ring on each stop. */
export async function tabTo(page: Page, match: (focus: Focus) => boolean, stops = 40): Promise<void> {
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press('Tab');
    const focus = await focused(page);
    expect(focus.outline, `focus ring on ${focus.id || focus.label || focus.text}`).not.toBe('none');
    if (match(focus)) return;
  }
  throw new Error(`never reached by Tab in ${stops} stops`);
}
