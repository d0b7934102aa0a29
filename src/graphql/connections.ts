// Names and descriptions of connection and edge types: `<Node>Connection` and `<Node>Edge`,
// every connection with its totalCount, as the Relay connection specification names them.

export const connection = (node: string, items: string) => ({
  name: `${node}Connection`,
  description: `A page of ${items}, with how many there are in all (totalCount).`,
});

export const edge = (node: string, item: string) => ({
  name: `${node}Edge`,
  description: `One of the page’s items: ${item}, with its cursor.`,
});
