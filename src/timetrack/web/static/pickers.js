// The pickers' suggestions: datalists named by data-catalogue ("clients", "projects" or
// "tasks") are filled from the person's catalogue (data-source, GET /app/catalogue) when one of
// their inputs is first focused, so a page does not carry hundreds of options it rarely needs.
// A project list whose data-client-input names the client's input then offers, once the client
// typed is one it knows, only that client's projects, and all of them otherwise.

const lists = [...document.querySelectorAll("datalist[data-catalogue]")];
let loading = null;

function option(value, label) {
  const made = document.createElement("option");
  made.value = value;
  if (label) made.textContent = label;
  return made;
}

function fill(catalogue) {
  for (const list of lists) {
    const kind = list.dataset.catalogue;
    if (kind === "projects") {
      const all = catalogue.projects.map((p) => {
        const made = option(p.name, p.client);
        made.dataset.client = p.client;
        return made;
      });
      const client = document.getElementById(list.dataset.clientInput ?? "");
      if (client) follow(client, list, all);
      else list.replaceChildren(...all);
    } else {
      list.replaceChildren(...(catalogue[kind] ?? []).map((name) => option(name)));
    }
  }
}

function follow(client, list, all) {
  const refill = () => {
    const chosen = client.value.trim().toLocaleLowerCase();
    const known = all.some((o) => o.dataset.client.toLocaleLowerCase() === chosen);
    list.replaceChildren(
      ...all
        .filter((o) => !known || o.dataset.client.toLocaleLowerCase() === chosen)
        .map((o) => o.cloneNode(true)),
    );
  };
  client.addEventListener("input", refill);
  refill();
}

// Once per page; a failure (offline, signed out) leaves plain text fields, which the server
// reads by name all the same, and the next focus tries again.
function load(source) {
  loading ??= fetch(source, { headers: { Accept: "application/json" } })
    .then((answer) => (answer.ok ? answer.json() : Promise.reject(answer.status)))
    .then(fill)
    .catch(() => {
      loading = null;
    });
}

const ids = new Set(lists.map((list) => list.id));
document.addEventListener("focusin", (event) => {
  const input = event.target;
  if (input instanceof HTMLInputElement && ids.has(input.getAttribute("list") ?? "")) {
    load(document.getElementById(input.getAttribute("list")).dataset.source);
  }
});
