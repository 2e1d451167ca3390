// A phone that opened a join link enters at once; link previews and QR apps that only fetch the page
// create nobody, because joining is this form's POST.
const form = document.getElementById("enter");
if (form) form.requestSubmit();
