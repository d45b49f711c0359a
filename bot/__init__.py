"""What a person sees: the `newsbot` command and the Slack app. Routes and presents only;
all searching is `index.search.Searcher`'s."""
