// "Copy" buttons for read-only fields, and "Print" buttons: shown only where this
// script runs, as a field can always be selected and copied by hand, and a page
// printed from the browser. A copy button may say what to do next (data-copied).

for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById("copy-status");
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      field.select();
      document.execCommand("copy");
    }
    if (status) status.textContent = button.dataset.copied || "Copied.";
  });
}

for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
