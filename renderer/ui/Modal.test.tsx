import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineDouble } from '../../testing/page-double';
import { guest } from '../../testing/fixtures';
import { renderWithEngine } from '../../testing/render-app';
import { App } from '../shell/App';

afterEach(cleanup);

const tool = (name: string) => screen.getByRole('button', { name });

describe('modal dialogs', () => {
  it('make the page behind them inert, start on the safe answer, close on Escape and give the focus back', async () => {
    await renderWithEngine(<App kind="web" />, new EngineDouble([guest('web', 'running')]), { asPage: true });
    const root = document.getElementById('root')!;
    const button = tool('Force off');
    button.focus();
    fireEvent.click(button);
    const dialog = screen.getByRole('alertdialog', { name: 'Force off “web”?' });
    expect(root.hasAttribute('inert')).toBe(true);
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(root.hasAttribute('inert')).toBe(false);
    expect(document.activeElement).toBe(button);
    root.remove();
  });
});
