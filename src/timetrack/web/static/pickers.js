// Project pickers that follow their client picker: a datalist of projects whose
// data-client-input names the client's input offers, once the client typed is one it knows,
// only that client's projects (each option's data-client), and all of them otherwise.

function follow(client, list) {
  const all = [...list.options].map((o) => o.cloneNode(true));
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

for (const list of document.querySelectorAll("datalist[data-client-input]")) {
  const client = document.getElementById(list.dataset.clientInput);
  if (client) follow(client, list);
}
