// The cards page's one button: the browser's print dialog, where "Save as PDF" gives the file for a print shop.
document.getElementById("print").addEventListener("click", () => window.print());
