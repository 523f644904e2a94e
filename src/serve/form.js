"use strict";
// The case form: the case is a tree whose paths are those of the case file
// (drugs[0].exposures[0].stop); the form is drawn from the schema below, and
// every change sends the tree to the server, which reads, checks and assesses
// it as `causa assess` would and answers with the problems (each on its
// field) and the results.

const ROLE = ["suspect", "concomitant", "interacting", "not-administered"];
const ACTION = ["withdrawn", "dose-reduced", "dose-increased", "dose-not-changed", "unknown", "not-applicable"];
const OUTCOME = ["recovered", "recovering", "not-recovered", "recovered-with-sequelae", "fatal", "unknown"];
const SERIOUS = ["death", "life-threatening", "hospitalization", "disability", "congenital-anomaly", "other-medically-important"];
const IMPAIRMENT = ["none", "mild", "moderate", "severe", "unknown"];
const BROWN = ["mild", "moderate", "severe"];

const SCHEMA = [
  { key: "id", label: "Case id *", type: "text", hint: "a short name for the case, such as lenalidomide-rash-2024" },
  { key: "source", label: "Source", type: "text", hint: "a citation or a report number" },
  { key: "patient", label: "Patient", type: "object", fields: [
    { key: "age", label: "Age (years)", type: "number" },
    { key: "sex", label: "Sex", type: "select", options: ["female", "male", "unknown"] },
    { key: "weight", label: "Weight (kg)", type: "number" },
    { key: "renal_impairment", label: "Renal impairment", type: "select", options: IMPAIRMENT },
    { key: "hepatic_impairment", label: "Hepatic impairment", type: "select", options: IMPAIRMENT },
    { key: "previous_reactions", label: "Earlier drug reaction", type: "rows", none: "Known to have had none", fields: [
      { key: "drug", label: "Drug *", type: "text" },
      { key: "reaction", label: "Reaction *", type: "term" },
      { key: "date", label: "Date", type: "time" },
      { key: "known_since", label: "Became known on", type: "time", hint: "a follow-up: the day it became known" },
    ] },
    { key: "conditions", label: "Condition", type: "rows", fields: [
      { key: "id", label: "Id", type: "text", hint: "to refer to it, such as myeloma" },
      { key: "name", label: "Name *", type: "text" },
      { key: "subtype", label: "Subtype", type: "text" },
      { key: "onset", label: "Onset", type: "time" },
      { key: "end", label: "End", type: "time" },
      { key: "known_since", label: "Became known on", type: "time", hint: "a follow-up: the day it became known" },
    ] },
  ] },
  { key: "drugs", label: "Drug", type: "rows", fields: [
    { key: "id", label: "Id *", type: "text", hint: "to refer to it, such as lenalidomide" },
    { key: "name", label: "Name *", type: "text" },
    { key: "role", label: "Role *", type: "select", options: ROLE },
    { key: "indication", label: "Indication", type: "text" },
    { key: "action_taken", label: "Action taken", type: "select", options: ACTION },
    { key: "exposures", label: "Exposure", type: "rows", fields: [
      { key: "id", label: "Id", type: "text", hint: "to count days from it, such as lenalidomide-2018" },
      { key: "start", label: "Start", type: "time" },
      { key: "stop", label: "Stop", type: "time" },
      { key: "single_dose", label: "A single dose", type: "bool" },
      { key: "dose", label: "Dose", type: "text", hint: "25 mg" },
      { key: "route", label: "Route", type: "text" },
      { key: "regimen", label: "Regimen", type: "text", hint: "daily, or a cycle: days 1-21 of 28" },
      { key: "known_since", label: "Became known on", type: "time", hint: "a follow-up: the day it became known" },
    ] },
    { key: "earlier_exposures", label: "Earlier exposure", type: "rows", fields: [
      { key: "id", label: "Id", type: "text" },
      { key: "when", label: "When", type: "time", hint: "2015, or more than 1 year before an exposure" },
      { key: "outcome", label: "Outcome *", type: "select", options: ["tolerated", "reaction", "unknown"] },
      { key: "reaction", label: "Reaction it caused", type: "term" },
      { key: "known_since", label: "Became known on", type: "time", hint: "a follow-up: the day it became known" },
    ] },
  ] },
  { key: "reactions", label: "Reaction", type: "rows", fields: [
    { key: "id", label: "Id *", type: "text", hint: "to refer to it, such as rash" },
    { key: "term", label: "Term *", type: "term" },
    { key: "phenotype", label: "Phenotype (knowledge base id)", type: "text", hint: "when the term is not recognised" },
    { key: "meddra_code", label: "MedDRA code", type: "text" },
    { key: "onset", label: "Onset", type: "time" },
    { key: "end", label: "End", type: "time" },
    { key: "outcome", label: "Outcome", type: "select", options: OUTCOME },
    { key: "severity_grade", label: "Severity grade (CTCAE 1-5)", type: "number" },
    { key: "brown_grade", label: "Brown grade (immediate)", type: "select", options: BROWN },
    { key: "seriousness", label: "Seriousness", type: "checks", options: SERIOUS },
    { key: "treatment", label: "Treatment", type: "list" },
    { key: "known_since", label: "Became known on", type: "time", hint: "a follow-up: the day it became known" },
  ] },
  { key: "investigations", label: "Investigation", type: "rows", fields: [
    { key: "test", label: "Test *", type: "text" },
    { key: "result", label: "Result *", type: "text" },
    { key: "kind", label: "Kind", type: "select", options: ["drug-level", "allergy-test", "biopsy", "laboratory", "imaging", "other"] },
    { key: "supports", label: "Supports *", type: "select", options: ["drug", "reaction", "alternative", "against-alternative", "nothing"] },
    { key: "reaction", label: "Reaction", type: "reaction" },
    { key: "drug", label: "Drug", type: "drug" },
    { key: "date", label: "Date", type: "time" },
    { key: "known_since", label: "Became known on", type: "time", hint: "a follow-up: the day it became known" },
  ] },
  { key: "dechallenges", label: "Withdrawal (dechallenge)", type: "rows", fields: [
    { key: "drug", label: "Drug *", type: "drug" },
    { key: "reaction", label: "Reaction *", type: "reaction" },
    { key: "action", label: "Action *", type: "select", options: ACTION },
    { key: "date", label: "Date", type: "time" },
    { key: "outcome", label: "Outcome *", type: "select", options: ["improved", "not-improved", "unknown"] },
    { key: "treatment", label: "Treatment meanwhile", type: "list" },
    { key: "tolerance", label: "Improved while continued (tolerance)", type: "bool" },
    { key: "known_since", label: "Became known on", type: "time", hint: "a follow-up: the day it became known" },
  ] },
  { key: "rechallenges", label: "Re-exposure or desensitization", type: "rows", fields: [
    { key: "id", label: "Id", type: "text", hint: "such as desensitization-2022" },
    { key: "drug", label: "Drug *", type: "drug" },
    { key: "kind", label: "Kind *", type: "select", options: ["full-dose", "accidental", "graded", "desensitization"] },
    { key: "start", label: "Start", type: "time" },
    { key: "end", label: "End", type: "time" },
    { key: "premedication", label: "Premedication", type: "list" },
    { key: "with_drugs", label: "Restarted with (drug ids)", type: "list" },
    { key: "target_dose", label: "Target dose", type: "text" },
    { key: "description", label: "How it went", type: "textarea" },
    { key: "known_since", label: "Became known on", type: "time", hint: "a follow-up: the day it became known" },
    { key: "steps", label: "Step", type: "rows", fields: [
      { key: "day", label: "Day", type: "text", hint: "4, or 10-16" },
      { key: "dose", label: "Dose", type: "text" },
      { key: "outcome", label: "Outcome *", type: "select", options: ["tolerated", "recurrence", "other-reaction", "unknown"] },
      { key: "reaction", label: "Reaction (a recurrence)", type: "reaction" },
      { key: "premedication", label: "Premedication from here, when it changed", type: "list" },
      { key: "severity_grade", label: "Grade (CTCAE)", type: "number" },
      { key: "brown_grade", label: "Brown grade", type: "select", options: BROWN },
      { key: "description", label: "Description", type: "textarea" },
    ] },
  ] },
  { key: "alternative_causes", label: "Alternative cause", type: "rows", fields: [
    { key: "cause", label: "Cause *", type: "text" },
    { key: "refers_to", label: "Refers to (condition or drug id)", type: "event" },
    { key: "reaction", label: "Reaction *", type: "reaction" },
    { key: "plausibility", label: "Plausibility *", type: "select", options: ["excluded", "less-plausible", "equally-plausible", "more-plausible"] },
    { key: "evidence_for", label: "Evidence for", type: "list" },
    { key: "evidence_against", label: "Evidence against", type: "list" },
    { key: "known_since", label: "Became known on", type: "time", hint: "a follow-up: the day it became known" },
  ] },
  { key: "contributing_factors", label: "Contributing factor", type: "rows", none: "Stated: none", fields: [
    { key: "factor", label: "Factor *", type: "text" },
    { key: "drug", label: "Drug", type: "drug" },
    { key: "reaction", label: "Reaction", type: "reaction" },
    { key: "known_since", label: "Became known on", type: "time", hint: "a follow-up: the day it became known" },
  ] },
  { key: "assessor_answers", label: "Assessor's answer", type: "rows", fields: [
    { key: "method", label: "Method *", type: "text" },
    { key: "question", label: "Question *", type: "text" },
    { key: "answer", label: "Answer *", type: "text" },
    { key: "drug", label: "Drug", type: "drug" },
    { key: "reaction", label: "Reaction", type: "reaction" },
    { key: "justification", label: "Justification *", type: "textarea" },
    { key: "assessor", label: "Assessor *", type: "text" },
  ] },
  { key: "conclusion", label: "Conclusion", type: "object", fields: [
    { key: "text", label: "Conclusion", type: "textarea" },
    { key: "assessor", label: "Name and role", type: "text" },
    { key: "date", label: "Date", type: "time" },
  ] },
];

let tree = { drugs: [{ role: "suspect", exposures: [{}] }], reactions: [{}] };

const $ = (id) => document.getElementById(id);
const pathText = (path) => path.reduce((s, k) => typeof k === "number" ? `${s}[${k}]` : (s ? `${s}.${k}` : k), "");
const domId = (path) => "f-" + pathText(path).replace(/[^A-Za-z0-9_-]/g, "_");

function get(path) {
  let v = tree;
  for (const k of path) { if (v == null) return undefined; v = v[k]; }
  return v;
}
function set(path, value) {
  let v = tree;
  path.slice(0, -1).forEach((k, i) => {
    if (v[k] == null) v[k] = typeof path[i + 1] === "number" ? [] : {};
    v = v[k];
  });
  v[path[path.length - 1]] = value;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") e.textContent = v; else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

function field(f, path) {
  const id = domId(path);
  const value = get(path);
  const name = pathText(path);
  const hintId = f.hint ? id + "-hint" : null;
  let input;
  const listOf = { time: "times", term: "terms", drug: "drug-ids", reaction: "reaction-ids", event: "event-ids" };
  if (f.type === "select") {
    input = el("select", { id, name });
    input.append(el("option", { value: "", text: "—" }));
    for (const o of f.options) input.append(el("option", { value: o, text: o.replace(/-/g, " "), selected: value === o }));
  } else if (f.type === "bool") {
    input = el("input", { id, name, type: "checkbox", checked: value === true });
  } else if (f.type === "checks") {
    const box = el("div", { class: "checks", role: "group", "aria-labelledby": id + "-label", "data-name": name });
    for (const o of f.options) {
      const cid = id + "-" + o;
      box.append(el("label", { for: cid }, el("input", { id: cid, type: "checkbox", name, value: o, checked: (value || []).includes(o) }), " " + o.replace(/-/g, " ")));
    }
    box.addEventListener("change", () => {
      set(path, [...box.querySelectorAll("input:checked")].map((c) => c.value));
      changed();
    });
    return el("div", { class: "field" }, el("span", { id: id + "-label", text: f.label }), box);
  } else if (f.type === "textarea" || f.type === "list") {
    input = el("textarea", { id, name, placeholder: f.type === "list" ? "one per line" : null, "aria-describedby": hintId });
    input.value = f.type === "list" ? (value || []).join("\n") : (value ?? "");
  } else {
    input = el("input", {
      id, name, type: f.type === "number" ? "number" : "text", list: listOf[f.type],
      autocomplete: "off", "aria-describedby": hintId,
    });
    input.value = value ?? "";
  }
  input.dataset.path = JSON.stringify(path);
  input.dataset.type = f.type;
  input.addEventListener(f.type === "select" || f.type === "bool" ? "change" : "input", () => {
    let v = input.value;
    if (f.type === "bool") v = input.checked || undefined;
    else if (f.type === "number") v = v === "" ? undefined : (Number.isNaN(Number(v)) ? v : Number(v));
    else if (f.type === "list") {
      v = v.split("\n").map((s) => s.trim()).filter(Boolean);
      if (!v.length) v = undefined; // cleared: not given (an empty list would say "none")
    }
    set(path, v);
    changed();
  });
  const hint = hintId ? el("p", { id: hintId, class: "muted hint", text: f.hint }) : null;
  return el("div", { class: "field" }, el("label", { for: id, text: f.label }), el("div", {}, input, hint));
}

function rows(f, path) {
  const items = get(path) || [];
  const box = el("fieldset", { "data-path": JSON.stringify(path), "data-name": pathText(path) }, el("legend", { text: f.label + "s" }));
  if (f.none) {
    // Left empty, the list is not known; "none" is a fact: an empty list.
    const id = domId(path) + "-none";
    const none = el("input", { id, type: "checkbox", checked: Array.isArray(get(path)) && items.length === 0, disabled: items.length > 0 });
    none.addEventListener("change", () => { set(path, none.checked ? [] : undefined); changed(); });
    box.append(el("div", { class: "field" }, el("label", { for: id, text: f.none }), el("div", {}, none)));
  }
  items.forEach((_, i) => {
    const p = [...path, i];
    const row = el("div", { class: "row", role: "group", "aria-label": `${f.label} ${i + 1}`, "data-name": pathText(p) });
    row.append(el("p", { class: "muted", text: `${f.label} ${i + 1}` }));
    for (const g of f.fields) row.append(part(g, [...p, g.key]));
    const remove = el("button", { type: "button", text: `Remove ${f.label.toLowerCase()} ${i + 1}` });
    remove.addEventListener("click", () => {
      items.splice(i, 1);
      // The last row removed: the list is not given, which is not "none".
      set(path, items.length ? items : undefined);
      redraw();
      const add = document.getElementById(domId(path) + "-add");
      if (add) add.focus();
      changed();
    });
    row.append(remove);
    box.append(row);
  });
  const add = el("button", { type: "button", class: "add", id: domId(path) + "-add", text: `Add ${f.label.toLowerCase()}` });
  add.addEventListener("click", () => {
    const now = get(path) || [];
    now.push({});
    set(path, now);
    redraw();
    const first = document.querySelector(`[name="${pathText([...path, now.length - 1, f.fields[0].key])}"]`);
    if (first) first.focus();
    changed();
  });
  box.append(add);
  return box;
}

function part(f, path) {
  if (f.type === "rows") return rows(f, path);
  if (f.type === "object") {
    const box = el("fieldset", { "data-name": pathText(path) }, el("legend", { text: f.label }));
    for (const g of f.fields) box.append(part(g, [...path, g.key]));
    return box;
  }
  return field(f, path);
}

function redraw() {
  const focused = document.activeElement && document.activeElement.id;
  const root = $("sections");
  root.replaceChildren(...SCHEMA.map((f) => part(f, [f.key])));
  if (focused && $(focused)) $(focused).focus();
  suggestions();
}

// What a time can count from: the case's own events.
function suggestions() {
  const ids = (list, key = "id") => (list || []).map((x) => x && x[key]).filter(Boolean);
  const drugs = ids(tree.drugs);
  const reactions = ids(tree.reactions);
  const exposures = (tree.drugs || []).flatMap((d) => ids(d && d.exposures));
  const events = [...ids(tree.patient && tree.patient.conditions), ...drugs, ...exposures, ...reactions, ...ids(tree.rechallenges)];
  const times = [];
  for (const x of exposures) times.push(`day 1 of ${x}`, `${x}.stop`, `after ${x}`, `2 weeks after ${x}`);
  for (const x of drugs) times.push(`after ${x}`, `${x}.stop`);
  for (const x of reactions) times.push(x, `after ${x}`);
  const fill = (id, values) => $(id).replaceChildren(...[...new Set(values)].map((v) => el("option", { value: v })));
  fill("drug-ids", drugs);
  fill("reaction-ids", reactions);
  fill("event-ids", events);
  fill("times", times);
}

let timer = null;
let sequence = 0;
function changed() {
  suggestions();
  clearTimeout(timer);
  timer = setTimeout(assess, 300);
}

function say(text) { $("status").textContent = text; }

async function post(url, body) {
  const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return r;
}

function showProblems(problems) {
  document.querySelectorAll(".error").forEach((e) => e.remove());
  document.querySelectorAll("[aria-invalid]").forEach((e) => { e.removeAttribute("aria-invalid"); });
  const general = $("problems");
  general.replaceChildren();
  for (const p of problems) {
    const text = p.message + (p.help ? ` (${p.help})` : "");
    // The field itself, or the nearest row or section that holds it.
    let target = null;
    let path = p.path;
    while (path && !target) {
      target = document.querySelector(`[name="${CSS.escape(path)}"], [data-name="${CSS.escape(path)}"]`);
      if (!target) {
        const shorter = path.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
        path = shorter === path ? "" : shorter;
      }
    }
    if (target) {
      const id = (target.id || domId([p.path])) + "-error";
      const msg = el("p", { class: "error", id, text });
      if (target.matches("input, select, textarea")) {
        target.setAttribute("aria-invalid", "true");
        const described = (target.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && !x.endsWith("-error"));
        target.setAttribute("aria-describedby", [...described, id].join(" "));
        target.parentElement.append(msg);
      } else {
        target.insertBefore(msg, target.children[1] || null);
      }
    }
    general.append(el("p", { class: "error general", text: (p.path ? `${p.path}: ` : "") + text }));
  }
}

async function assess() {
  const mine = ++sequence;
  let data;
  try {
    const r = await post("/api/assess", { case: tree });
    data = await r.json();
  } catch (e) {
    say("The server did not answer: " + e);
    return;
  }
  if (mine !== sequence) return; // a later change is on its way
  showProblems(data.problems || []);
  const body = $("summary").querySelector("tbody");
  body.replaceChildren(...(data.results || []).map((x) => el("tr", { "data-method": x.method },
    el("td", { text: x.drug }), el("td", { text: x.reaction }), el("td", { text: x.method }),
    el("td", { class: "category", text: x.score == null ? x.category : `${x.category} (${x.score})` }))));
  $("report").srcdoc = data.report || "";
  const n = (data.problems || []).length;
  say(n ? `${n} problem${n === 1 ? "" : "s"} to correct before the case can be assessed.` : `Assessed: ${(data.results || []).length} results.`);
}

async function download(url, fallback) {
  const r = await post(url, { case: tree });
  if (!r.ok) { say((await r.json()).error || "cannot download"); return; }
  const disposition = r.headers.get("Content-Disposition") || "";
  const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || fallback;
  const a = el("a", { href: URL.createObjectURL(await r.blob()), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  say(`Downloaded ${name}.`);
}

function load(data) {
  tree = data.case && typeof data.case === "object" ? data.case : {};
  redraw();
  say(data.note ? `Opened. Note: ${data.note}.` : "Opened.");
  assess();
}

$("download-yaml").addEventListener("click", () => download("/api/case.yaml", "case.yaml"));
$("download-report").addEventListener("click", () => download("/api/report.html", "report.html"));
$("open-file").addEventListener("change", async (ev) => {
  const file = ev.target.files[0];
  if (!file) return;
  const r = await fetch("/api/open?name=" + encodeURIComponent(file.name), { method: "POST", body: await file.text() });
  const data = await r.json();
  if (!r.ok) { say(data.error); return; }
  load(data);
});
if ($("folder-cases")) {
  const refresh = async () => {
    const names = await (await fetch("/api/cases")).json();
    $("folder-cases").replaceChildren(el("option", { value: "", text: "choose…" }), ...names.map((n) => el("option", { value: n, text: n })));
  };
  refresh();
  $("folder-cases").addEventListener("change", async (ev) => {
    if (!ev.target.value) return;
    const r = await fetch("/api/cases/" + encodeURIComponent(ev.target.value));
    const data = await r.json();
    if (!r.ok) { say(data.error); return; }
    load(data);
  });
  $("save-folder").addEventListener("click", async () => {
    const name = window.prompt("Save as (a file name ending in .yaml)", (tree.id || "case") + ".yaml");
    if (!name) return;
    const r = await fetch("/api/cases/" + encodeURIComponent(name), { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ case: tree }) });
    const data = await r.json();
    say(r.ok ? `Saved ${data.saved}.` : data.error);
    refresh();
  });
}

redraw();
assess();
