/* Whether the locale can show the plan's names (Korean), and saying so once when it cannot. */
#ifndef DR_LANGNOTE_H
#define DR_LANGNOTE_H

int langnote_utf8(void);
int langnote_shows(const char *text);
const char *langnote_text(void);
const char *langnote_short(void);
void langnote_warn_once(const char *text);

#endif
