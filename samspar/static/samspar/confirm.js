// A form with data-confirm asks before it is sent (every removal): the browser's own
// dialog with the form's question. Without JavaScript the form is sent as it is.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
