// The week page: a cell saves itself when left or on Enter (one fetch, the page's CSRF token in
// X-CSRF-Token), shows the saved value as h:mm and puts the new totals in; Enter and the arrow
// keys move between cells. Without this module the grid is one form and still works.

const form = document.getElementById("grid");
const status = document.getElementById("week-status");

function say(text) {
  if (!status) return;
  status.textContent = text;
  status.hidden = !text;
}

// A cell's message is made when it has one to show (the page draws none for valid cells).
function message(input) {
  const id = `${input.id}-msg`;
  let box = document.getElementById(id);
  if (!box) {
    box = document.createElement("p");
    box.className = "cell-msg error";
    box.id = id;
    input.after(box);
  }
  input.setAttribute("aria-describedby", id);
  return box;
}

function show(input, words, conflict) {
  const box = message(input);
  box.replaceChildren(words);
  input.setAttribute("aria-invalid", "true");
  input.closest("td").classList.add("invalid");
  if (!conflict) return;
  const { name, saved, mine } = conflict;
  box.append(" ", form.dataset.savedNow.replace("%s", saved || "0:00"), " ");
  const keep = document.createElement("button");
  keep.type = "button";
  keep.className = "quiet";
  keep.textContent = form.dataset.keep;
  keep.addEventListener("click", () => {
    input.name = name;
    input.value = mine;
    input.dataset.saved = "\u0000"; // differs from anything typed: send it again
    save(input);
  });
  const take = document.createElement("button");
  take.type = "button";
  take.className = "quiet";
  take.textContent = form.dataset.take;
  take.addEventListener("click", () => {
    input.name = name;
    input.value = saved;
    input.dataset.saved = saved;
    clear(input);
  });
  box.append(keep, " ", take);
}

function clear(input) {
  document.getElementById(`${input.id}-msg`)?.remove();
  input.removeAttribute("aria-describedby");
  input.removeAttribute("aria-invalid");
  input.closest("td").classList.remove("invalid");
}

function totals(answer, rowId) {
  const set = (id, text) => {
    const cell = document.getElementById(id);
    if (cell) cell.textContent = text;
  };
  set(`total-${rowId}`, answer.rows[rowId] ?? "0:00");
  answer.days.forEach((day, i) => {
    set(`day-total-${i}`, day.total);
    set(`day-diff-${i}`, day.difference);
  });
  set("week-total", answer.total);
  set("week-diff", answer.difference);
}

async function save(input) {
  const typed = input.value;
  // Enter saves and moves on, and leaving the cell fires "change": one request, not two.
  if (typed === input.dataset.saved || typed === input.dataset.pending) return;
  input.dataset.pending = typed;
  try {
    await send(input, typed);
  } finally {
    delete input.dataset.pending;
  }
}

async function send(input, typed) {
  const body = new URLSearchParams({ week: form.dataset.week });
  body.append(input.name, typed);
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      headers: {
        Accept: "application/json",
        "X-CSRF-Token": form.elements.csrf.value,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body,
      credentials: "same-origin",
    });
  } catch {
    show(input, form.dataset.offline);
    return;
  }
  if (response.ok) {
    const answer = await response.json();
    input.name = answer.name;
    if (input.value === typed) input.value = answer.value;
    input.dataset.saved = answer.value;
    clear(input);
    totals(answer, input.closest("tr").dataset.rowId);
    say(answer.done);
    return;
  }
  const words = decodeURIComponent(response.headers.get("X-Shown") || "") || form.dataset.failed;
  const name = response.headers.get("X-Cell-Name");
  if (response.status === 412 && name) {
    show(input, words, { name, saved: response.headers.get("X-Cell-Saved") || "", mine: typed });
  } else {
    show(input, words);
  }
}

// Rows count within the grid's body, columns from the first day (the row's name comes first).
function cellAt(row, col) {
  const cell = form.querySelector("tbody").rows[row]?.cells[col + 1];
  return cell?.querySelector("input.cell") ?? null;
}

function move(input, rowStep, colStep) {
  let row = input.closest("tr").sectionRowIndex + rowStep;
  let col = input.closest("td").cellIndex - 1 + colStep;
  // Skip cells that are not inputs (several entries), up to the grid's edge.
  for (let n = 0; n < 50; n++) {
    const next = cellAt(row, col);
    if (next) {
      next.focus();
      next.select();
      return;
    }
    row += rowStep;
    col += colStep;
    if (row < 0 || col < 0 || col > 6) return;
  }
}

function keys(event) {
  const input = event.target;
  if (!input.classList.contains("cell")) return;
  const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
  const atEnd = input.selectionStart === input.value.length;
  if (event.key === "Enter") {
    event.preventDefault();
    save(input);
    move(input, event.shiftKey ? -1 : 1, 0);
  } else if (event.key === "ArrowUp") {
    event.preventDefault();
    move(input, -1, 0);
  } else if (event.key === "ArrowDown") {
    event.preventDefault();
    move(input, 1, 0);
  } else if (event.key === "ArrowLeft" && atStart) {
    event.preventDefault();
    move(input, 0, -1);
  } else if (event.key === "ArrowRight" && atEnd) {
    event.preventDefault();
    move(input, 0, 1);
  }
}

// An entry's Edit link opens the page with that entry's form; here the form comes in place of
// the entry's line instead, without leaving the page (any failure follows the link).
async function openEntry(event) {
  const link = event.target.closest("a.entry-edit");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
  event.preventDefault();
  const item = link.closest("li");
  try {
    const response = await fetch(link.href, { headers: { Accept: "text/html" } });
    if (!response.ok) throw new Error(String(response.status));
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const opened = page.getElementById(item.id);
    if (!opened?.querySelector("form")) throw new Error("no form");
    item.replaceWith(opened);
    opened.querySelector("input:not([type=hidden])")?.focus();
  } catch {
    window.location.assign(link.href);
  }
}

document.getElementById("entries")?.addEventListener("click", openEntry);

if (form) {
  for (const input of form.querySelectorAll("input.cell")) {
    input.dataset.saved = input.value;
    input.addEventListener("change", () => save(input));
  }
  form.addEventListener("keydown", keys);
}
