"""stepnet's terminal side: the command line and the Textual step-through debugger."""
