// The trackout check report as a producer reads it: the verdict, findings grouped by stem
// with errors first and what to do about each, every stem's format and levels, and the
// master's loudness.

import { h } from '../dom.js';
import { rate, depth, channels, preciseDuration, db, dateTime } from '../format.js';

/** Advice for findings whose message does not already say what to do. */
const FIXES = {
  unsafe_path: 'Zip the stem folder again from your computer, without links or odd folder names.',
  archive_too_large: 'Upload fewer or shorter files, or ask the store to raise its limits.',
  corrupt_archive: 'Zip the stems again (Store or Deflate, no password) and upload the new zip.',
  no_stems: 'Export every track of the beat as a WAV stem and zip the folder.',
  not_wav: 'Export this stem again as WAV from your DAW.',
  truncated: 'The file is cut short: export it again.',
  bad_format: 'Export it again as 16/24/32-bit PCM or 32-bit float WAV.',
  sample_rate_mismatch: 'Export every stem at the same sample rate as the project.',
  duplicate_name: 'Give each stem its own name.',
  silent_stem: 'Remove the empty stem, or export the track that should be there.',
  dc_offset: 'Put a high-pass filter (20–30 Hz) on the track and export it again.',
  stem_offset: 'Export every stem from bar 1 (the start of the session), with nothing trimmed or nudged.',
  master_mismatch: 'Upload the master these stems were exported with.',
  master_bus_processing: 'Nothing to fix: a limited or compressed master is expected.',
};

/** "X is wrong; do this" → ["X is wrong", "Do this"] */
function split(finding) {
  const at = finding.message.indexOf('; ');
  if (at < 0) return [finding.message, FIXES[finding.code] || null];
  const fix = finding.message.slice(at + 2);
  return [finding.message.slice(0, at), fix[0].toUpperCase() + fix.slice(1)];
}

const LEVEL = { error: ['badge--error', 'Error'], warning: ['badge--warn', 'Warning'], info: ['badge--info', 'Info'] };
const RANK = { error: 0, warning: 1, info: 2 };

function groupFindings(report) {
  const names = new Map(report.stems.map((s) => [s.path, s.name]));
  const groups = new Map();
  for (const finding of report.findings) {
    const key = finding.stem ?? '';
    if (!groups.has(key)) {
      let title = 'The whole trackout';
      if (finding.stem && names.has(finding.stem)) title = names.get(finding.stem);
      else if (finding.stem && report.master && finding.stem === report.master.path) title = `Master (${report.master.name})`;
      else if (finding.stem) title = finding.stem;
      groups.set(key, { title, path: finding.stem, findings: [] });
    }
    groups.get(key).findings.push(finding);
  }
  const errors = (g) => g.findings.filter((f) => f.level === 'error').length;
  return [...groups.values()]
    .map((g) => ({ ...g, errors: errors(g), findings: [...g.findings].sort((a, b) => (RANK[a.level] ?? 3) - (RANK[b.level] ?? 3)) }))
    .sort((a, b) => (b.errors > 0) - (a.errors > 0) || a.title.localeCompare(b.title));
}

function findingsView(report) {
  if (!report.findings.length) {
    return h('p', { class: 'callout callout--ok' }, 'Nothing to fix: every stem lines up, no clipping, no silent or badly named files.');
  }
  return h('div', { class: 'findings', id: 'findings' }, groupFindings(report).map((group) =>
    h('section', { class: 'finding-group', dataset: { stem: group.path || '' } },
      h('h3', {}, h('span', {}, group.title, group.path && group.path !== group.title ? h('span', { class: 'faint mono', style: 'font-weight:400;margin-left:8px' }, group.path) : null),
        h('span', { class: 'muted', style: 'font-weight:500;font-size:.8rem' }, summary(group.findings))),
      h('ul', {}, group.findings.map((finding) => {
        const [what, fix] = split(finding);
        const [kind, label] = LEVEL[finding.level] || ['', finding.level];
        return h('li', { class: `finding finding--${finding.level}`, dataset: { code: finding.code } },
          h('div', {}, h('span', { class: `badge ${kind}` }, label)),
          h('div', {},
            h('span', { class: 'finding__what' }, what[0].toUpperCase() + what.slice(1)),
            fix ? h('span', { class: 'finding__fix' }, finding.level === 'info' ? fix : `How to fix: ${fix}`) : null,
            h('span', { class: 'finding__code' }, finding.code)));
      })))));
}

function summary(findings) {
  const errors = findings.filter((f) => f.level === 'error').length;
  const warnings = findings.filter((f) => f.level === 'warning').length;
  const infos = findings.filter((f) => f.level === 'info').length;
  return [errors ? `${errors} error${errors === 1 ? '' : 's'}` : null, warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : null, infos ? `${infos} info` : null]
    .filter(Boolean).join(', ');
}

/** The stems against the master, and what the master sounds like, in plain words. */
function sumView(report) {
  const sum = report.sum;
  const detected = report.detected;
  if (!sum && !detected) return null;
  const rows = [];
  if (sum) {
    const residual = sum.residual_db == null ? 'an exact null' : sum.residual_db <= 0 ? `${(-sum.residual_db).toFixed(1)} dB below the master` : `${sum.residual_db.toFixed(1)} dB above the master`;
    rows.push(h('p', { class: 'muted' }, `The stems, summed and lined up, against the master: what is left is ${residual}.`));
    rows.push(h('div', { class: 'table-wrap' }, h('table', { id: 'sum-table' },
      h('caption', { class: 'visually-hidden' }, 'Each stem against the master'),
      h('thead', {}, h('tr', {}, h('th', {}, 'Stem'), h('th', {}, 'Timing against the master'), h('th', {}, 'Polarity'), h('th', { class: 'num' }, 'Correlation'))),
      h('tbody', {}, sum.stems.map((s) => h('tr', { dataset: { stem: s.path } },
        h('td', {}, s.path),
        h('td', {}, !s.found_in_master ? 'not heard in the master' : s.lag_samples === 0 ? 'in time' : `${Math.abs(s.lag_samples).toLocaleString('en')} samples (${Math.abs(s.lag_ms)} ms) ${s.lag_samples > 0 ? 'late' : 'early'}: export every stem from bar 1`),
        h('td', {}, s.polarity_inverted ? 'inverted' : 'normal'),
        h('td', { class: 'num' }, s.correlation.toFixed(2))))))));
  }
  if (detected && (detected.bpm != null || detected.key)) {
    rows.push(h('p', { class: 'muted', id: 'detected' }, 'Heard in the master: ',
      detected.bpm != null ? `${detected.bpm} BPM (confidence ${detected.bpm_confidence.toFixed(2)})` : 'no clear tempo',
      ', ', detected.key ? `${detected.key} (confidence ${detected.key_confidence.toFixed(2)})` : 'no clear key', '.'));
  }
  return h('div', { id: 'check-sum' }, rows);
}

/** A level meter from −60 to 0 dBFS. */
function meter(value) {
  const fill = value == null ? 0 : Math.max(0, Math.min(100, ((value + 60) / 60) * 100));
  const hot = value != null && value > -1 ? 'is-clip' : value != null && value > -6 ? 'is-hot' : '';
  return h('div', { class: `meter ${hot}`, 'aria-hidden': 'true' }, h('span', { style: `width:${fill}%` }));
}

function stemsTable(report) {
  const flagged = new Map();
  for (const f of report.findings) if (f.stem) flagged.set(f.stem, Math.max(flagged.get(f.stem) || 0, f.level === 'error' ? 2 : 1));
  return h('div', { class: 'table-wrap' }, h('table', { id: 'stems-table' },
    h('caption', { class: 'visually-hidden' }, 'Stems in the trackout'),
    h('thead', {}, h('tr', {},
      h('th', {}, 'Stem'), h('th', {}, 'Role'), h('th', {}, 'Rate'), h('th', {}, 'Depth'), h('th', {}, 'Channels'),
      h('th', { class: 'num' }, 'Length'), h('th', { class: 'num' }, 'Peak'), h('th', { class: 'num' }, 'RMS'))),
    h('tbody', {}, report.stems.map((s) => h('tr', { dataset: { stem: s.path } },
      h('td', {}, h('strong', {}, s.name), ' ',
        flagged.get(s.path) === 2 ? h('span', { class: 'badge badge--error' }, 'error') : flagged.get(s.path) === 1 ? h('span', { class: 'badge badge--warn' }, 'warning') : null,
        h('div', { class: 'faint mono', style: 'font-size:.75rem' }, s.path)),
      h('td', {}, s.role),
      h('td', {}, rate(s.sample_rate)),
      h('td', {}, depth(s.bit_depth, s.sample_format)),
      h('td', {}, channels(s.channels)),
      h('td', { class: 'num' }, preciseDuration(s.duration_seconds)),
      h('td', { class: 'num' }, db(s.peak_dbfs), meter(s.peak_dbfs)),
      h('td', { class: 'num' }, db(s.rms_dbfs)))))));
}

function masterView(master) {
  if (!master) {
    return h('p', { class: 'muted' }, 'No master was measured: upload the master WAV (or put a file named “Master” in the trackout).');
  }
  const fact = (label, value) => h('div', { class: 'master-fact' }, h('span', {}, label), h('strong', {}, value));
  return h('div', {},
    h('p', { class: 'muted' }, master.found_in_trackout ? `${master.path}, found in the trackout` : 'The uploaded master',
      ` · ${rate(master.sample_rate)} · ${depth(master.bit_depth, master.sample_format)} · ${channels(master.channels)} · ${preciseDuration(master.duration_seconds)}`),
    h('div', { class: 'master-facts', id: 'master-loudness' },
      fact('Integrated loudness', master.integrated_lufs == null ? 'too short' : `${master.integrated_lufs.toFixed(1)} LUFS`),
      fact('Loudness range', master.loudness_range_lu == null ? '—' : `${master.loudness_range_lu.toFixed(1)} LU`),
      fact('True peak', db(master.true_peak_dbtp, 'dBTP')),
      fact('Sample peak', db(master.sample_peak_dbfs))));
}

/** The report panel's content for the processing route's `check`. */
export function checkReport(check) {
  if (check.state === 'missing') {
    return h('p', { class: 'muted', id: 'check-state', dataset: { state: 'missing' } }, 'Upload a trackout to have it checked the way a mixing engineer would.');
  }
  if (check.state === 'pending' || !check.report) {
    return h('p', { id: 'check-state', dataset: { state: 'pending' } }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Checking your trackout: reading every stem, measuring levels and the master’s loudness…');
  }
  const report = check.report;
  const passed = check.state === 'passed';
  return h('div', { id: 'check-report', dataset: { state: check.state } },
    h('div', { class: 'report-summary', id: 'check-state', dataset: { state: check.state } },
      h('span', { class: `verdict ${passed ? 'verdict--pass' : 'verdict--fail'}` }, passed ? '✓ Passed' : '✕ Not ready to sell'),
      h('span', {}, summary(report.findings) || 'no findings'),
      h('span', { class: 'muted' }, `${report.stems.length} stem${report.stems.length === 1 ? '' : 's'}${report.master ? ' and the master' : ''} checked ${dateTime(check.checked_at)}`)),
    passed ? null : h('p', { class: 'callout callout--error' }, 'Fix the errors below in your DAW, zip the stems again and upload the new trackout. Warnings do not stop you from publishing.'),
    h('h3', {}, 'Findings'),
    findingsView(report),
    h('h3', {}, 'Stems'),
    report.stems.length ? stemsTable(report) : h('p', { class: 'muted' }, 'No stems could be read.'),
    h('h3', { style: 'margin-top:20px' }, 'Master'),
    masterView(report.master),
    sumView(report),
    report.other_files?.length ? h('p', { class: 'muted', style: 'margin-top:14px' }, `Also in the zip, not checked: ${report.other_files.join(', ')}`) : null);
}
