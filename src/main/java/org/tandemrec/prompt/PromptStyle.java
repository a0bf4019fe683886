package org.tandemrec.prompt;

/** How a prompt names users and items. */
public enum PromptStyle {
    /** BDLM: the user token, and each item as its token followed by its title: {@code <iid_7> (Heat)}. */
    ID_TOKENS,
    /** Text only (LLM-Rec, InstructRec, BDLM without extended tokens): no user name, items by title. */
    TEXT_ONLY
}
