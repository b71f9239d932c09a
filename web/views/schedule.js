// The integration's Temporal Schedule: how often it syncs on its own, and a pause.
import { api } from '../api.js';
import { h, replace, uid } from '../dom.js';

const numberFields = [
  {
    name: 'incrementalEveryMinutes',
    label: 'Sync every (minutes)',
    min: 5,
    max: 7 * 24 * 60,
    hint: 'An incremental sync this often: 5 minutes to 7 days (10080).',
  },
  {
    name: 'fullEveryHours',
    label: 'Full sync at least every (hours)',
    min: 1,
    max: 2160,
    hint: 'Only full syncs find records deleted in Halo: 1 to 2160 hours.',
  },
];

export async function scheduleSection(integration, signal) {
  const section = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'schedule-heading' },
    h('h2', { id: 'schedule-heading' }, 'Schedule'),
  );
  let current;
  try {
    current = await api(`/v1/integrations/${integration.id}/schedule`, { signal });
  } catch (error) {
    if (signal.aborted) throw error;
    section.append(
      h('p', { class: 'message message-error' }, `The schedule could not be read: ${error.message}`),
    );
    return section;
  }

  const controls = {};
  const fields = numberFields.map((field) => {
    const id = uid(field.name);
    const input = h('input', {
      id,
      name: field.name,
      type: 'number',
      inputmode: 'numeric',
      min: String(field.min),
      max: String(field.max),
      step: '1',
      value: String(current[field.name]),
      'aria-describedby': `${id}-hint`,
    });
    const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
    controls[field.name] = { input, error };
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id }, field.label),
      input,
      h('p', { class: 'hint', id: `${id}-hint` }, field.hint),
      error,
    );
  });
  const pausedId = uid('paused');
  const paused = h('input', { id: pausedId, name: 'paused', type: 'checkbox', checked: current.paused });
  const message = h('p', { class: 'message', role: 'status', hidden: true });
  const button = h('button', { type: 'submit' }, 'Save schedule');

  function showError(name, text) {
    const control = controls[name];
    if (!control) return;
    replace(control.error, text);
    control.error.hidden = false;
    control.input.setAttribute('aria-invalid', 'true');
    control.input.setAttribute('aria-describedby', `${control.input.id}-hint ${control.error.id}`);
  }

  function say(kind, text) {
    message.className = `message message-${kind}`;
    replace(message, text);
    message.hidden = false;
  }

  async function submit(event) {
    event.preventDefault();
    if (button.disabled) return;
    message.hidden = true;
    for (const { input, error } of Object.values(controls)) {
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-describedby', `${input.id}-hint`);
      error.hidden = true;
    }
    // The ranges are known here, so a person hears them in words rather than as the API's schema message.
    const body = { paused: paused.checked };
    const wrong = [];
    for (const field of numberFields) {
      const { input } = controls[field.name];
      const value = Number(input.value);
      if (input.value.trim() === '' || !Number.isInteger(value) || value < field.min || value > field.max) {
        showError(field.name, `Enter a whole number from ${field.min} to ${field.max}.`);
        wrong.push(input);
      }
      body[field.name] = value;
    }
    if (wrong.length > 0) {
      say('error', 'Check the highlighted field.');
      wrong[0].focus();
      return;
    }
    button.disabled = true;
    try {
      current = await api(`/v1/integrations/${integration.id}/schedule`, { method: 'PUT', body, signal });
      say('ok', current.paused ? 'Schedule saved. It is paused: only manual syncs run.' : 'Schedule saved.');
    } catch (error) {
      if (signal.aborted) return;
      for (const [name, text] of Object.entries(error.fields ?? {})) showError(name, text);
      say('error', error.message);
    } finally {
      button.disabled = false;
    }
  }

  section.append(
    h(
      'form',
      {
        novalidate: true,
        method: 'post',
        onSubmit: submit,
        class: 'schedule-form',
        'data-needs': 'manage_sync',
      },
      h('div', { class: 'field-row' }, fields),
      h(
        'div',
        { class: 'field field-check' },
        paused,
        h('label', { for: pausedId }, 'Pause scheduled syncs'),
      ),
      message,
      h('div', { class: 'actions' }, button),
    ),
  );
  return section;
}
