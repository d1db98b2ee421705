/**
 * Prints a whole HTML page (its own print stylesheet included) through the browser's print
 * dialog from a hidden frame: the escalation pack, the one-page contingency plan.
 */
export function printHtml(html: string): void {
  const frame = document.createElement('iframe');
  frame.style.position = 'fixed';
  frame.style.width = '0';
  frame.style.height = '0';
  frame.srcdoc = html;
  frame.onload = () => {
    frame.contentWindow?.print();
    setTimeout(() => frame.remove(), 1000);
  };
  document.body.appendChild(frame);
}
